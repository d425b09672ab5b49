import asyncio


async def main():
    print(repr('a-b-c'.split('-', 1)))
    print(repr('a-b-c'.split('-', 0)))
    print(repr('a-b-c'.split('-', -1)))
    print(repr('  a b  c '.split(None, 1)))
    print(repr('a b  '.split(None, 1)))
    print(repr('a '.split(None, 1)))
    print(repr('a\x1cb\x1fc'.split()))
    print(repr('  '.split()))
    print(repr(''.split()))
    print(repr('a b'.split(None, 0)))
    print(repr('  a b'.split(None, 0)))
    print(repr('xax'.strip('x')))
    print(repr('  a \x1c'.strip()))
    print(repr('abcba'.strip('ab')))
    print(repr('a'.strip(None)))
    print(repr('aaa'.replace('a', 'b', 2)))
    print(repr('aaa'.replace('a', 'b', -1)))
    print(repr('aaa'.replace('a', 'b', 0)))
    print(repr('abc'.startswith(('x', 'a'))))
    print(repr('abc'.endswith(('x', 'y'))))
    print(repr('abc'.endswith(('c',))))
    print(repr('a,b,,c'.split(',')))


asyncio.run(main())
