# function_calls_and_frames: exported by `asim export python tests/regressions/function_calls_and_frames.yaml`
import asyncio

stock = 0
cv = asyncio.Condition()


def check(x):
    if x < 0:
        raise ValueError(f"negative {x}")
    return x


def wrap(x):
    try:
        return check(x)
    except ValueError as e:
        return check(-x) * 10


def in_handler():
    try:
        raise KeyError("k")
    except BaseException:
        return check(-1)


def ready():
    return stock >= 2


def depth(n):
    return depth(n + 1)


def starter(n):
    t = asyncio.create_task(worker(n))
    return t


def nothing():
    x = 1


async def worker(n):
    global stock
    await asyncio.sleep(0.1)
    stock += n
    async with cv:
        cv.notify_all()


async def main():
    print(f"{wrap(3)} {wrap(-4)} {sum(check(x) for x in range(4))} {nothing()}")
    t1 = starter(1)
    t2 = starter(1)
    async with cv:
        await cv.wait_for(ready)
    print(f"stock {stock} {t1.done()}")
    try:
        in_handler()
    except ValueError as e:
        print(f"ctx {e.__context__!r}")
    try:
        depth(0)
    except RecursionError as e:
        print(f"deep: {e}")
    check(-7)


asyncio.run(main())
