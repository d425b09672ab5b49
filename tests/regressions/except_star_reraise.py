# except_star_reraise: exported by `asim export python tests/regressions/except_star_reraise.yaml`
import asyncio


class RetryError(Exception):
    pass




async def c2():
    raise ValueError("x")


async def c0():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(c2())
    except* Exception:
        raise RetryError("retry")


async def main():
    for case in range(5):
        try:
            try:
                if case in (0, 3):
                    raise ValueError(1)
                raise ExceptionGroup("g", [ValueError(1), KeyError(2)])
            except* ValueError as eg:
                if case in (0, 1):
                    raise
                if case in (2, 3):
                    raise eg
                raise RuntimeError("new") from None
        except BaseException as e:
            print(f"{case} {e!r} {e.__suppress_context__} {e.__context__!r} {e.exceptions}")
    try:
        await c0()
    except BaseException as e:
        print(f"c0 raised {e!r}")
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(c0())
    except* Exception as eg:
        print(f"{eg!r} {eg.exceptions}")


asyncio.run(main())
