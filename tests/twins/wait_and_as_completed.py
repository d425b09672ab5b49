import asyncio

async def job(name, seconds, fail):
    await asyncio.sleep(seconds)
    if fail:
        raise ValueError(f"{name} failed")
    return name

async def main():
    tasks = []
    for name, seconds, fail in [("a", 3, False), ("b", 1, False), ("c", 2, True)]:
        t = asyncio.create_task(job(name, seconds, fail))
        tasks.append(t)
    done, pending = await asyncio.wait([*tasks], return_when=asyncio.FIRST_COMPLETED)
    print(f"first completed: {len(done)} done, {len(pending)} pending")
    for t in done:
        print(f"  done: {t.get_name()} -> {t.result()}")
    done, pending = await asyncio.wait([*tasks], return_when=asyncio.FIRST_EXCEPTION)
    print(f"first exception: {len(done)} done, {len(pending)} pending")
    done, pending = await asyncio.wait([*tasks], timeout=0.5)
    print(f"timeout: {len(done)} done, {len(pending)} pending")
    done, pending = await asyncio.wait([*tasks])
    print(f"all completed: {len(done)} done, {len(pending)} pending")
    try:
        for aw in asyncio.as_completed([job("x", 2, False), job("y", 1, True), job("z", 0.5, False)]):
            r = await aw
            print(f"as_completed gave {r}")
    except ValueError as e:
        print(f"as_completed raised {e!r}")
    slow = asyncio.create_task(job("slow", 5, False))
    quick = asyncio.create_task(job("quick", 0.5, False))
    try:
        for aw in asyncio.as_completed([slow, quick], timeout=1):
            r = await aw
            print(f"in time: {r}")
    except TimeoutError:
        print("as_completed timed out")

asyncio.run(main())
