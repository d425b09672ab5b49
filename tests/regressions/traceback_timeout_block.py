# traceback_timeout_block: exported by `asim export python tests/regressions/traceback_timeout_block.yaml`
import asyncio


async def slow():
    await asyncio.sleep(10)


async def main():
    async with asyncio.timeout(1):
        await slow()


asyncio.run(main())
