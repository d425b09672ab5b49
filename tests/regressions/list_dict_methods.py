# list_dict_methods: exported by `asim export python tests/regressions/list_dict_methods.yaml`
import asyncio

waiting = ['a', 'b', 'a', 'c']
seen = {}


async def visit(who):
    await asyncio.sleep(0.1)
    seen.setdefault(who, []).append(len(seen))
    waiting.remove(who)


async def main():
    await asyncio.gather(visit('a'), visit('c'))
    print(f"{waiting} {seen}")
    seen.update({'z': 0, 'a': 'again'})
    seen.update([('q', 1), ['r', 2]])
    seen.update()
    print(f"{seen} {seen.setdefault('q', 99)} {seen.setdefault('new')} {seen}")
    try:
        waiting.remove('zz')
    except ValueError as e:
        print(f"{e}")
    try:
        seen.update([('k', 1, 2)])
    except ValueError as e:
        print(f"{e}")
    try:
        seen.update([1])
    except TypeError as e:
        print(f"{e}")
    try:
        seen.setdefault([1], 2)
    except TypeError as e:
        print(f"{e}")


asyncio.run(main())
