# traceback_nested_groups: exported by `asim export python tests/regressions/traceback_nested_groups.yaml`
import asyncio


async def bad(i):
    await asyncio.sleep(0.1 * i)
    try:
        raise KeyError(i)
    except KeyError as e:
        raise ValueError(f"bad {i}") from e


async def inner():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(bad(1))
        tg.create_task(bad(2))


async def worse():
    await asyncio.sleep(0.1)
    try:
        raise OSError("disk")
    except OSError:
        raise RuntimeError("during")


async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(inner())
        tg.create_task(worse())


asyncio.run(main())
