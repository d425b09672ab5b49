# never_retrieved_after_the_step: exported by `asim export python tests/regressions/never_retrieved_after_the_step.yaml`
import asyncio


class AppError(Exception):
    pass


jobs = asyncio.Queue()


async def fails():
    raise AppError("lost")


async def inner():
    t = asyncio.create_task(fails())
    await jobs.get()


async def main():
    try:
        async with asyncio.timeout(0):
            await inner()
    except TimeoutError:
        print("timed out")
    print("after the handler")
    await asyncio.sleep(0)
    print("next step")


asyncio.run(main())
