import asyncio

async def fail():
    raise ValueError("child failed")

async def slow():
    await asyncio.sleep(5)

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(slow())
            tg.create_task(fail())
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                print("body cancelled, spawning anyway")
            tg.create_task(slow())
    except* Exception as eg:
        print(f"group failed: {eg.exceptions}")

asyncio.run(main())
