import asyncio

async def value(v):
    return v

async def main():
    a = asyncio.create_task(value("created first"))
    b = asyncio.create_task(value("created second"))
    await asyncio.sleep(0.1)
    for aw in asyncio.as_completed([b, a]):
        r = await aw
        print(f"{r}")

asyncio.run(main())
