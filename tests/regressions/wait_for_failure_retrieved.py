# wait_for_failure_retrieved: exported by `asim export python tests/regressions/wait_for_failure_retrieved.yaml`
import asyncio


async def f():
    await asyncio.sleep(0.1)
    raise KeyError("k")


async def main():
    await asyncio.wait_for(f(), 5)


asyncio.run(main())
