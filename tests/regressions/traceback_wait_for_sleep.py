# traceback_wait_for_sleep: exported by `asim export python tests/regressions/traceback_wait_for_sleep.yaml`
import asyncio


async def main():
    await asyncio.wait_for(asyncio.sleep(10), 1)


asyncio.run(main())
