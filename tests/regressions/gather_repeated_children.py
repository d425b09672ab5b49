import asyncio

async def boom(n):
    await asyncio.sleep(0.1 * n)
    raise ValueError(f"boom {n}")

async def ok(n):
    await asyncio.sleep(0.05 * n)
    print(f"ok {n}")
    return n

async def main():
    a = asyncio.create_task(ok(1))
    b = asyncio.create_task(boom(2))
    r = await asyncio.gather(a, a, ok(3), a)
    print(f"r {r}")
    try:
        await asyncio.gather(b, ok(4), b)
    except ValueError as e:
        print(f"caught {e}")
    r = await asyncio.gather(b, b, return_exceptions=True)
    print(f"again {r}")

asyncio.run(main())
