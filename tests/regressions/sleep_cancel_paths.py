import asyncio

async def sleeper(n):
    try:
        print(f"{n} sleeping")
        await asyncio.sleep(1)
        print(f"{n} woke")
    except asyncio.CancelledError as e:
        print(f"{n} cancelled {e.args}")
        raise

async def canceller(t, msg):
    await asyncio.sleep(1)
    t.cancel(msg)
    print(f"cancel sent {t.cancelled()}")

async def main():
    a = asyncio.create_task(sleeper(1))
    b = asyncio.create_task(canceller(a, "late"))
    asyncio.create_task(canceller(a, "late2"))
    e = asyncio.create_task(sleeper(2))
    await asyncio.sleep(0.5)
    e.cancel("early")
    e.cancel("twice")
    f = asyncio.create_task(sleeper(3))
    f.cancel("before start")
    r = await asyncio.gather(a, b, e, f, return_exceptions=True)
    print(f"{r}")

asyncio.run(main())
