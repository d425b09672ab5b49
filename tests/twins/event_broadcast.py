import asyncio

go = asyncio.Event()

async def runner(n):
    print(f"runner {n} at the line")
    ok = await go.wait()
    print(f"runner {n} off ({ok}); is_set={go.is_set()}")

async def main():
    runners = []
    for n in range(3):
        t = asyncio.create_task(runner(n))
        runners.append(t)
    await asyncio.sleep(1)
    go.set()
    go.clear()
    print("starter: set and cleared")
    await asyncio.gather(*runners)

asyncio.run(main())
