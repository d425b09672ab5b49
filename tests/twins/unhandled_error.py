import asyncio

async def validate(order):
    if order["qty"] <= 0:
        raise ValueError(f"bad quantity {order['qty']} for {order['id']}")
    return True

async def watchdog():
    try:
        await asyncio.sleep(60)
    except asyncio.CancelledError:
        print("watchdog cancelled at shutdown")
        raise

async def main():
    asyncio.create_task(watchdog(), name="watchdog")
    await validate({"id": "A1", "qty": 3})
    print("A1 ok")
    await asyncio.sleep(0.5)
    await validate({"id": "B2", "qty": 0})
    print("never printed")

asyncio.run(main())
