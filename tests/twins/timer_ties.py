import asyncio

async def sleeper(label):
    await asyncio.sleep(1)
    print(f"{label} woke")

async def main():
    await asyncio.gather(*(sleeper(label) for label in ["A", "B", "C", "D", "E", "F"]))

asyncio.run(main())
