# closures_and_scopes: exported by `asim export python tests/regressions/closures_and_scopes.yaml`
import asyncio

double = lambda x: x * 2
table = {k: [v * i for i in range(3)] for k, v in [('a', 1), ('b', 2)]}
fs = [lambda: i for i in range(3)]


async def apply(f, xs):
    await asyncio.sleep(0.1)
    return [f(x) for x in xs]


async def counter():
    n = 0
    get = lambda: n
    n += 5
    return get


async def main():
    print(f"{[f() for f in fs]} {table} {double(4)}")
    r = await apply(lambda v: v + 1, range(3))
    print(f"{r}")
    g = await counter()
    print(f"{g()}")
    i = 'outer'
    xs = [i for i in range(2)]
    print(f"{i} {xs}")
    key = lambda s: s.lower()
    print(f"{sorted(['b', 'A', 'c'], key=key)} {sorted(['b', 'A'], key=None)}")
    try:
        print(f"{sorted([1, 'a'], key=lambda x: x)}")
    except TypeError as e:
        print(f"sort error {e}")
    try:
        print(f"{sum(1 / x for x in [1, 0, 'a'])}")
    except ZeroDivisionError as e:
        print(f"sum error {e}")
    print(f"{[x for x in range(10) if x % 2 if x > 3]} {', '.join(str(x) for x in range(3))}")
    print(f"{list(x * 2 for x in 'ab')} {tuple(x for x in range(2))} {min(x for x in [3, 1, 2])}")
    print(f"{(lambda: 7)()} {type(double).__name__} {[(a, b) for a, b in {'x': 1, 'y': 2}.items()]}")


asyncio.run(main())
