# traceback_wait_for_timeout: exported by `asim export python tests/regressions/traceback_wait_for_timeout.yaml`
import asyncio


async def slow():
    await asyncio.sleep(10)


async def main():
    await asyncio.wait_for(slow(), 1)


asyncio.run(main())
