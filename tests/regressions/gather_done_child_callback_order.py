import asyncio

async def fail():
    raise ValueError("early")

async def spinner():
    print("spinner step 1")
    await asyncio.sleep(0)
    print("spinner step 2")

async def main():
    t = asyncio.create_task(fail())
    await asyncio.sleep(0.1)
    try:
        await asyncio.gather(t, spinner())
    except ValueError as e:
        print(f"gather failed: {e}")

asyncio.run(main())
