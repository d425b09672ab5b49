import asyncio

async def attempt(label, limit, work):
    try:
        async with asyncio.timeout(limit):
            print(f"{label}: working for {work}s with {limit}s to spare")
            await asyncio.sleep(work)
            print(f"{label}: finished in time")
    except TimeoutError as e:
        print(f"{label}: timed out {e!r}")

async def main():
    await attempt("fast", 2, 1)
    await attempt("slow", 1, 2)
    await attempt("tie", 1, 1)
    await attempt("zero", 0, 1)
    await attempt("none", None, 0.5)
    try:
        async with asyncio.timeout(5):
            try:
                async with asyncio.timeout(0.5):
                    await asyncio.sleep(1)
            except TimeoutError:
                print("inner timeout fired, outer still running")
            await asyncio.sleep(1)
            print("outer body done")
    except TimeoutError:
        print("outer timeout fired (wrong)")
    async with asyncio.timeout(0.5):
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            print("swallowed the cancellation")
    print("no TimeoutError after swallowing; done at the end")

asyncio.run(main())
