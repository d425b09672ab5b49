import asyncio

async def steady(i):
    await asyncio.sleep(5)
    print(f"steady {i}")

async def sleeper():
    await asyncio.sleep(10)

async def failer():
    await asyncio.sleep(1)
    raise ValueError("boom")

async def main():
    steadies = []
    for i in range(40):
        t = asyncio.create_task(steady(i))
        steadies.append(t)
    try:
        async with asyncio.TaskGroup() as tg:
            for i in range(150):
                tg.create_task(sleeper())
            tg.create_task(failer())
    except* ValueError:
        print("group failed")
    await asyncio.gather(*steadies)

asyncio.run(main())
