# traceback_group_width: exported by `asim export python tests/regressions/traceback_group_width.yaml`
import asyncio


async def bad(i):
    await asyncio.sleep(0.01 * i)
    raise ValueError(i)


async def main():
    async with asyncio.TaskGroup() as tg:
        for i in range(17):
            tg.create_task(bad(i))


asyncio.run(main())
