# exception_chaining: exported by `asim export python tests/regressions/exception_chaining.yaml`
import asyncio


class FetchError(Exception):
    pass




async def fetch(i):
    await asyncio.sleep(0.1)
    try:
        x = 1 / (i - 1)
    except ZeroDivisionError as e:
        raise FetchError(f"fetch {i} failed") from e
    try:
        raise KeyError(i)
    except KeyError:
        raise ValueError("during")
    return i


async def quiet():
    try:
        raise KeyError("a")
    except KeyError:
        raise RuntimeError("quiet") from None


async def main():
    for i in [1, 2]:
        try:
            await fetch(i)
        except Exception as e:
            print(f"{e!r} cause={e.__cause__!r} context={e.__context__!r} suppress={e.__suppress_context__}")
            print(f"{e.__context__.__context__!r}")
    try:
        await quiet()
    except RuntimeError as e:
        print(f"{e.__cause__} {e.__context__!r} {e.__suppress_context__}")
    try:
        raise ValueError("x") from 5
    except TypeError as e:
        print(f"{e} {e.__context__}")
    try:
        raise ValueError("a")
    except ValueError as a:
        try:
            raise KeyError("b")
        except KeyError:
            raise a
    print("never")


asyncio.run(main())
