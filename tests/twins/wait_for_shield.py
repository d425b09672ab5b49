import asyncio

async def work(label, seconds):
    try:
        print(f"{label} working {seconds}s")
        await asyncio.sleep(seconds)
        print(f"{label} done")
        return f'{label} result'
    except asyncio.CancelledError:
        print(f"{label} cancelled")
        await asyncio.sleep(0.25)
        print(f"{label} cleaned up")
        raise

async def stubborn():
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        print("stubborn refuses to stop")
    return 'stubborn value'

async def try_wait(label, seconds, limit):
    try:
        r = await asyncio.wait_for(work(label, seconds), limit)
        print(f"{label}: got {r!r}")
    except TimeoutError as e:
        print(f"{label}: timed out {e!r}")

async def guarded():
    inner = asyncio.create_task(work("shielded", 2))
    try:
        await asyncio.shield(inner)
    except asyncio.CancelledError:
        print(f"guard cancelled; inner done={inner.done()}")
    r = await inner
    print(f"inner finished anyway: {r}")

async def main():
    await try_wait("quick", 1, 2)
    await try_wait("late", 2, 1)
    await try_wait("inline", 0.5, None)
    await try_wait("zero", 0.5, 0)
    v = await asyncio.wait_for(stubborn(), 1)
    print(f"wait_for returned {v!r} despite the timeout")
    g = asyncio.create_task(guarded())
    await asyncio.sleep(0.5)
    g.cancel()
    await g
    print("main done")

asyncio.run(main())
