# chained_failures: exported by `asim export python chained_failures.yaml`
import asyncio


class OrderError(Exception):
    pass


class OutOfStock(OrderError):
    pass


class PaymentFailed(OrderError):
    pass


stock = {'apple': 3, 'pear': 0}


async def reserve(item, qty):
    await asyncio.sleep(0.1)
    try:
        left = stock[item]
        if left < qty:
            raise ValueError(f"only {left} left")
        stock[item] = left - qty
    except (KeyError, ValueError) as e:
        raise OutOfStock(f"cannot reserve {qty} x {item}") from e


async def charge(order_id, attempts):
    for attempt in range(1, attempts + 1):
        try:
            await asyncio.sleep(0.2)
            raise ConnectionResetError(f"gateway reset on attempt {attempt}")
        except ConnectionError as e:
            if attempt == attempts:
                raise PaymentFailed(f"order {order_id}: giving up") from e
            print(f"order {order_id}: {e}, retrying")


async def place(order_id, item, qty):
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(reserve(item, qty))
            tg.create_task(charge(order_id, 2))
    except* OutOfStock as eg:
        for e in eg.exceptions:
            print(f"order {order_id}: {e} (because {e.__cause__!r})")
        raise


async def main():
    try:
        await place(1, "kiwi", 1)
    except* OrderError as eg:
        print(f"order 1 failed: {[type(e).__name__ for e in eg.exceptions]}")
    print(f"stock before order 2: {stock}")
    await place(2, "apple", 2)
    print("never printed: the payment of order 2 fails")


asyncio.run(main())
