import asyncio

ready = asyncio.Event()
lock = asyncio.Lock()
box = asyncio.Queue()

async def main():
    try:
        await asyncio.wait_for(ready.wait(), 0.5)
    except TimeoutError:
        print("no signal within 0.5s")
    getter = asyncio.create_task(box.get())
    await asyncio.sleep(0.1)
    print(f"getter done yet? {getter.done()}")
    await box.put("parcel")
    item = await getter
    print(f"the getter task got {item!r}")
    await lock.acquire()
    second = asyncio.create_task(lock.acquire())
    await asyncio.sleep(0.1)
    lock.release()
    ok = await asyncio.shield(second)
    print(f"second acquire returned {ok}; locked={lock.locked()}")
    ready.set()
    both = await asyncio.gather(ready.wait(), ready.wait())
    print(f"gathered {both}")

asyncio.run(main())
