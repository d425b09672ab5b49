import asyncio

async def fail(delay):
    await asyncio.sleep(delay)
    raise ValueError(f"failed after {delay}")

async def parent(body_time):
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail(1))
            await asyncio.sleep(body_time)
    except* ValueError as eg:
        print(f"body {body_time}s: caught {eg.exceptions}")

async def main():
    in_body = asyncio.create_task(parent(5))
    await in_body
    print(f"failure during the body: cancelling() = {in_body.cancelling()}")
    in_exit = asyncio.create_task(parent(0))
    await in_exit
    print(f"failure during __aexit__: cancelling() = {in_exit.cancelling()}")

asyncio.run(main())
