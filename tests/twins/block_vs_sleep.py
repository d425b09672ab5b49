import asyncio
import time

async def ticker():
    for i in range(4):
        print(f"tick {i}")
        await asyncio.sleep(0.25)

async def blocker():
    await asyncio.sleep(0.1)
    print("blocking the loop for 0.5s")
    time.sleep(0.5)
    print("loop free again")

async def main():
    await asyncio.gather(ticker(), blocker())

asyncio.run(main())
