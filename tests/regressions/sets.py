# sets: exported by `asim export python tests/regressions/sets.yaml`
import asyncio


async def main():
    a = {3, 1, 2}
    b = {8, 16, 0, -1, 7}
    c = set()
    n = 5
    print(f"{a} {b} {c} {len(b)} {2 in a} {set([100, 5, 37, 64, 2, 9])} {[x for x in {n, 1, n * 3}]}")
    c.add(10)
    c.add(2)
    c.update([7, 7, 42], (1,))
    print(f"{c} {sorted(c)} {c | a} {c & a} {c - a} {c ^ a} {a <= c} { a < {1, 2, 3, 4} } { a == {1, 2, 3} }")
    p = c.pop()
    print(f"{p} {c} {c.union([5], {6})} {a.intersection([2, 3, 4])} {a.difference([1], [2])}")
    c.discard(99)
    c.difference_update([42])
    a.symmetric_difference_update([3, 4])
    print(f"{c} {a} {a.issubset(range(10))} {a.isdisjoint([9])} {isinstance(a, set)} {type(a).__name__}")
    sq = {x * x % 7 for x in range(10)}
    print(f"{sq} {set('hello') == set('olleh')} {set(range(20, 0, -3))} {bool(set())} {sum({1, 2})} {max({4, 9})}")
    s = set(range(40))
    for i in range(0, 40, 3):
        s.discard(i)
    s.add(1000)
    s.add(-7)
    print(f"{s}")
    print(f"{ {(1, 2), (2, 1), 1.5, -2.5} } { {True, 1, 1.0} }")
    print(f"{ {'/x', 'url', 'key9'} } {set(['/x', 'url', 'key9'])} { {-1} ^ {'/x', 'url', 'key9'} } { set() | {'a', '', 'a', 'é', 'url', 'url'} } { {'a', '', 'a', 'é', 'url', 'url'} }")
    print(f"{ {0, 1.5, 33, 2**61, 1, -2, 8, -1} } { {0, 1.5, 33, 1, -2, 8, -1} }")
    for x in {8, 16, 0, -1, 7}:
        print(f"{x}")
    print(f"{[x for x in {100, 5, 37, 64, 2, 9}]} {[x for x in {'/x', 'url', 'key9'}]} {[y for y in {1, 2**61, 9, 17, 33}]}")
    a = {'', 'key9', 'a', '/x', 'a'}
    b = {'a', '', 'url'}
    print(f"{a} {b} {a ^ b} {b.copy()} {set(b)}")
    c = b.copy()
    c.discard('a')
    print(f"{c}")
    s = set(range(12))
    for i in range(0, 12, 2):
        s.discard(i)
    print(f"{set(s)} { s | {50} } {s.copy()}")
    p = [s.pop(), s.pop()]
    print(f"{p} {s}")
    s.clear()
    s.update([40, 41, 1])
    print(f"{s.pop()} {s}")
    w = {1, 2, 3}
    w.difference_update([2])
    w.add(10)
    w.symmetric_difference_update({10, 18, 26})
    w.intersection_update([1, 3, 18, 99])
    print(f"{w} {w.issuperset([1])}")
    s = {1, 2, 3}
    t = {3, 4, 10}
    alias = s
    s |= t
    print(f"{alias} {s is alias}")
    s -= {1}
    s ^= {2, 99}
    s &= {3, 4, 99, 7}
    print(f"{alias} {s}")
    flag = True
    flag &= False
    flag |= True
    n = 6
    n ^= 3
    n <<= 2
    print(f"{flag} {n}")
    c.remove(12345)


asyncio.run(main())
