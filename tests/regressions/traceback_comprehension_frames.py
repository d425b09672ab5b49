# traceback_comprehension_frames: exported by `asim export python tests/regressions/traceback_comprehension_frames.yaml`
import asyncio


async def f(xs):
    return {k: 10 // v for k, v in xs.items()}


async def main():
    ys = [[1, 2], [3, 0]]
    try:
        print(f"{[[10 // x for x in y] for y in ys]}")
    except ZeroDivisionError as e:
        print(f"caught {e!r}")
    try:
        print(f"{sum(x for x in [1, 'a'])}")
    except TypeError as e:
        print(f"caught {e!r}")
    try:
        print(f"{max([3, 0], key=lambda v: 1 / v)}")
    except ZeroDivisionError as e:
        print(f"caught {e!r}")
    fs = [lambda: 1 // 0]
    try:
        print(f"{fs[0]()}")
    except ZeroDivisionError as e:
        print(f"caught {e!r}")
    await f({'a': 1, 'b': 0})


asyncio.run(main())
