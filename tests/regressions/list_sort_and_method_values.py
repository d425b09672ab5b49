# list_sort_and_method_values: exported by `asim export python tests/regressions/list_sort_and_method_values.yaml`
import asyncio


def cost(job):
    return job[1]


async def main():
    xs = [3, 1, 2, 1.0, -5]
    jobs = [('a', 3), ('b', 1), ('c', 3), ('d', 0)]
    alias = xs
    xs.sort()
    print(f"{xs} {alias is xs}")
    xs.sort(reverse=True)
    print(f"{xs}")
    jobs.sort(key=cost, reverse=True)
    print(f"{jobs}")
    jobs.sort(key=lambda j: j[0])
    print(f"{jobs} {'a b  c'.split(maxsplit=1)} {'a,b,c'.split(sep=',', maxsplit=1)} {'a b'.split(sep=None)}")
    words = ['pear', 'Fig', 'apple']
    words.sort(key=str.lower)
    print(f"{words}")
    print(f"{sorted(['b', 'A', 'c'], key=str.upper)} {list(map(str.strip, [' x ', 'y ']))} {str.lower}")
    xs.sort(1)


asyncio.run(main())
