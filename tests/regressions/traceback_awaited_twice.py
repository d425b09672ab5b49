# traceback_awaited_twice: exported by `asim export python tests/regressions/traceback_awaited_twice.yaml`
import asyncio


async def boom():
    await asyncio.sleep(0.1)
    raise ValueError("boom")


async def main():
    t = asyncio.create_task(boom())
    try:
        await t
    except ValueError:
        print("first")
    await t


asyncio.run(main())
