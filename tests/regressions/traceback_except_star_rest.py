# traceback_except_star_rest: exported by `asim export python tests/regressions/traceback_except_star_rest.yaml`
import asyncio


async def bad(i):
    await asyncio.sleep(0.1 * i)
    raise [ValueError, KeyError, OSError][i % 3](i)


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(bad(1))
            tg.create_task(bad(2))
            tg.create_task(bad(3))
    except* ValueError as eg:
        print(f"handled {eg!r}")


asyncio.run(main())
