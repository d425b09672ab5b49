import asyncio

async def sleeper(i):
    try:
        await asyncio.sleep(10 + i % 3)
    finally:
        await asyncio.sleep(0.5)
        if i % 10 == 0 or i > 140:
            print(f"sleeper {i} cleaned up")

async def failer():
    await asyncio.sleep(1)
    raise ValueError("boom")

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            for i in range(150):
                tg.create_task(sleeper(i))
            tg.create_task(failer())
    except* ValueError as eg:
        print(f"group failed: {eg.exceptions}")

asyncio.run(main())
