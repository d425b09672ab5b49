# traceback_cancel_before_start: exported by `asim export python tests/regressions/traceback_cancel_before_start.yaml`
import asyncio


async def slow():
    await asyncio.sleep(10)


async def main():
    t = asyncio.create_task(slow())
    t.cancel("go away")
    await t


asyncio.run(main())
