import asyncio
import time

async def worker(n):
    loop = asyncio.get_running_loop()
    start = loop.time()
    await asyncio.sleep(0.1 * n)
    me = asyncio.current_task()
    print(f"{me.get_name()} slept {loop.time() - start} at {time.monotonic()}")
    return asyncio.get_event_loop().time()

async def main():
    t0 = asyncio.get_running_loop().time()
    print(f"start {t0} {asyncio.current_task().get_name()}")
    r = await asyncio.gather(worker(1), worker(3), asyncio.create_task(worker(2), name="named"))
    print(f"results {r}")
    time.sleep(0.25)
    print(f"after block {time.monotonic()}")

asyncio.run(main())
