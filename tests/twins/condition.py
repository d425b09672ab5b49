import asyncio

stock = 0
lock = asyncio.Lock()
cond = asyncio.Condition(lock)
bell = asyncio.Condition()

async def buyer(name, want):
    global stock
    async with cond:
        ok = await cond.wait_for(lambda: stock >= want)
        stock = stock - want
        print(f"{name} bought {want} (predicate {ok}); {stock} left")

async def listener(name):
    try:
        async with bell:
            print(f"{name} waits for the bell")
            await bell.wait()
            print(f"{name} heard the bell")
    except asyncio.CancelledError:
        print(f"{name} was cancelled")
        raise

async def main():
    global stock
    asyncio.create_task(buyer("ann", 2))
    asyncio.create_task(buyer("bob", 1))
    await asyncio.sleep(1)
    async with cond:
        stock = 2
        print(f"restocked to {stock}, lock held={cond.locked()}")
        cond.notify_all()
        await asyncio.sleep(0.5)
        print("notifier still holds the lock")
    await asyncio.sleep(1)
    async with cond:
        stock = stock + 1
        cond.notify(1)
    await asyncio.sleep(1)
    first = asyncio.create_task(listener("first"))
    asyncio.create_task(listener("second"))
    await asyncio.sleep(0.1)
    async with bell:
        bell.notify(1)
    first.cancel()
    await asyncio.sleep(0.1)
    print("after the lost notification, second is still waiting")
    async with bell:
        bell.notify()
    await asyncio.sleep(0.1)

asyncio.run(main())
