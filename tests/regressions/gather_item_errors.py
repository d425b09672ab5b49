import asyncio

async def worker(x):
    await asyncio.sleep(0.1)
    print(f"w {x}")
    return x

async def main():
    try:
        await asyncio.gather(worker(7), *[worker(10 // (2 - i)) for i in range(4)])
    except ZeroDivisionError:
        print("caught")
    try:
        await asyncio.gather(worker(8), *[worker(i) for i in range(2)], 5, worker(9))
    except TypeError as e:
        print(f"caught {e}")
    await asyncio.sleep(0.5)
    r = await asyncio.gather(worker(1), *[worker(i) for i in range(2)])
    print(f"done {r}")

asyncio.run(main())
