# traceback_recursion: exported by `asim export python tests/regressions/traceback_recursion.yaml`
import asyncio


async def r(n):
    if n == 0:
        raise RecursionError("bottom")
    await r(n - 1)


async def main():
    await r(10)


asyncio.run(main())
