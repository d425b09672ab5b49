# traceback_group_depth: exported by `asim export python tests/regressions/traceback_group_depth.yaml`
import asyncio


async def nest(n):
    async with asyncio.TaskGroup() as tg:
        if n == 0:
            raise ValueError("deep")
        else:
            tg.create_task(nest(n - 1))


async def main():
    await nest(12)


asyncio.run(main())
