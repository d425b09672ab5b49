import asyncio

lock = asyncio.Lock()

async def worker(n):
    for i in range(n):
        if i == 1:
            continue
        elif i == 4:
            break
        elif i % 2 == 0:
            print(f"w{n} even {i}")
        else:
            print(f"w{n} odd {i}")
        async with lock:
            await asyncio.sleep(0.1)
            if i == 3:
                print(f"w{n} leaves the lock by break")
                break
    else:
        print(f"w{n} loop ran out")
    print(f"w{n} after loop, lock held: {lock.locked()}")
    return n

async def retry():
    attempt = 0
    while attempt < 5:
        attempt += 1
        try:
            if attempt < 3:
                raise ValueError(f"attempt {attempt}")
            print(f"attempt {attempt} ok")
            break
        except ValueError as e:
            print(f"caught {e}")
            await asyncio.sleep(0.5)
            continue
        finally:
            print(f"finally {attempt}")
    else:
        print("gave up")
    return attempt

async def search(items, target):
    for x in items:
        if x == target:
            print(f"found {x}")
            break
    else:
        print(f"{target} not found")

async def main():
    r = await asyncio.gather(worker(2), worker(6), retry())
    print(f"results {r}")
    await search([1, 2, 3], 2)
    await search([1, 2, 3], 9)
    n = 0
    while True:
        n += 1
        async with asyncio.timeout(10):
            await asyncio.sleep(0.01)
            if n == 3:
                break
    print(f"n={n}")

asyncio.run(main())
