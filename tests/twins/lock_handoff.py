import asyncio

lock = asyncio.Lock()

async def greedy():
    async with lock:
        print("greedy has the lock")
        await asyncio.sleep(1)
    print(f"greedy released; locked() is {lock.locked()}")
    async with lock:
        print("greedy has the lock again")

async def patient():
    await asyncio.sleep(0.5)
    print("patient waits")
    async with lock:
        print("patient has the lock")
        await asyncio.sleep(1)

async def main():
    await asyncio.gather(greedy(), patient())

asyncio.run(main())
