# set_of_strings: exported by `asim export python tests/regressions/set_of_strings.yaml`
import asyncio


async def main():
    seen = set()
    for u in ['/a', '/b', '/about', '/contact', 'x', 'key9', 'url']:
        seen.add(u)
    print(f"{seen}")


asyncio.run(main())
