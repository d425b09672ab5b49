# zip_reversed_sum: exported by `asim export python tests/regressions/zip_reversed_sum.yaml`
import asyncio


async def main():
    names = ['a', 'b', 'c']
    sizes = (3, 1)
    print(f"{list(zip(names, sizes))} {list(zip(names, 'xyz', range(10)))} {list(zip())}")
    for n, s in zip(names, sizes):
        print(f"{n}={s}")
    print(f"{list(reversed(names))} {list(reversed(range(4)))} {list(reversed({'p': 1, 'q': 2}))} {''.join(reversed('abc'))}")
    print(f"{sum([1, 2], 10)} {sum([[1], [2]], [])} {sum([0.5, 0.25], start=1)}")
    try:
        print(f"{sum(['a'], '')}")
    except TypeError as e:
        print(f"{e}")
    try:
        print(f"{reversed(5)}")
    except TypeError as e:
        print(f"{e}")
    try:
        print(f"{list(zip([1], 2))}")
    except TypeError as e:
        print(f"{e}")
    try:
        print(f"{sum([1], 2, 3)}")
    except TypeError as e:
        print(f"{e}")


asyncio.run(main())
