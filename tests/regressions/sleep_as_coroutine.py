import asyncio

async def main():
    try:
        await asyncio.wait_for(asyncio.sleep(5), 0.5)
    except TimeoutError:
        print("timed out")
    r = await asyncio.gather(asyncio.sleep(1, result="a"), asyncio.sleep(0.5, "b"), asyncio.sleep(0))
    print(r)
    t = asyncio.create_task(asyncio.sleep(2, result=42))
    c = asyncio.sleep(0.1)
    await c
    print(await t, asyncio.get_running_loop().time())

asyncio.run(main())
