# except_as_unbinds: exported by `asim export python tests/regressions/except_as_unbinds.yaml`
import asyncio


async def main():
    for i in range(2):
        try:
            raise ValueError(i)
        except ValueError as e:
            print(f"caught {e!r}")
            if i == 1:
                break
    try:
        print(f"after: {e!r}")
    except UnboundLocalError as u:
        print(f"{type(u).__name__}: {u}")
    print(f"{e}")


asyncio.run(main())
