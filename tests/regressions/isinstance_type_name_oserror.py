import asyncio

async def nap():
    await asyncio.sleep(5)

async def fail(kind):
    await asyncio.sleep(0.1)
    if kind == 1:
        raise ConnectionError("reset")
    if kind == 2:
        raise KeyError("k")
    return kind

async def main():
    results = await asyncio.gather(fail(1), fail(2), fail(3), return_exceptions=True)
    for r in results:
        print(f"{type(r).__name__} {r.__class__.__name__} {isinstance(r, Exception)} {isinstance(r, (OSError, LookupError))} {isinstance(r, int)} {isinstance(r, (str, float))}")
    print(isinstance(True, int), isinstance(1, bool), isinstance([1], list), isinstance((1,), tuple), isinstance({}, dict), isinstance("a", str))
    try:
        await asyncio.wait_for(nap(), 0.1)
    except Exception as e:
        print(type(e).__name__, isinstance(e, asyncio.TimeoutError), isinstance(e, asyncio.CancelledError))
    print(type(asyncio.current_task()).__name__, type(None).__name__, type(1.5).__name__, type(range(3)).__name__)

asyncio.run(main())
