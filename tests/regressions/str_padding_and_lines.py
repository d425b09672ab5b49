# str_padding_and_lines: exported by `asim export python tests/regressions/str_padding_and_lines.yaml`
import asyncio


async def main():
    rows = [('alpha', 3), ('be', 12), ('c', 100)]
    text = 'x\ny\r\nz\x1cw'
    for name, n in rows:
        print(f"|{name.ljust(6, '.')}|{str(n).rjust(5)}|{name.center(7, '*')}|")
    print(f"{'a b  c '.rsplit(None, 1)} {'a,b,c'.rsplit(',', maxsplit=1)} {text.splitlines(keepends=True)} {text.splitlines()}")


asyncio.run(main())
