import asyncio

async def sleeper(name):
    try:
        print(f"{name} sleeping")
        await asyncio.sleep(5)
        print(f"{name} woke normally")
    except asyncio.CancelledError as e:
        print(f"{name} cancelled with args {e.args}")
        raise

async def stubborn():
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        print("stubborn ignores the cancel")
    return "stubborn result"

async def inner():
    try:
        await asyncio.sleep(5)
    finally:
        print("inner cleans up first")

async def outer():
    try:
        await inner()
    finally:
        print("outer cleans up second")

async def main():
    a = asyncio.create_task(sleeper("never-started"))
    a.cancel()
    b = asyncio.create_task(sleeper("messaged"))
    c = asyncio.create_task(stubborn())
    d = asyncio.create_task(outer())
    await asyncio.sleep(1)
    print(f"cancel b: {b.cancel('shutting down')}, again: {b.cancel()}, cancelling={b.cancelling()}")
    c.cancel()
    d.cancel()
    for t in [a, b, c, d]:
        try:
            r = await t
            print(f"{t.get_name()} returned {r!r}")
        except asyncio.CancelledError:
            print(f"{t.get_name()} was cancelled: {t.cancelled()}")
    print(f"a.cancel() on a finished task: {a.cancel()}")

asyncio.run(main())
