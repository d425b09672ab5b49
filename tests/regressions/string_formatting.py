# string_formatting: exported by `asim export python tests/regressions/string_formatting.yaml`
import asyncio


class MyError(ValueError):
    pass


stock = {'apples': 3, 'pears': 0}


async def fetch(x):
    await asyncio.sleep(0.1)
    return x


async def main():
    n = 3
    label = 'ok'
    xs = [10, 20, 30]
    print(f"{'%d items, %s' % (n, label)}")
    print(f"{'%(apples)d apples, %(pears)03d pears' % stock} {'%s' % stock}")
    print(f"{'%5.2f|%-6s|%+d|%x|%#o|%c|%%' % (3.14159, 'ab', 7, 255, 8, 65)}")
    print(f"{'%d %i %u' % (3.7, -2.5, True)} {'%s' % ((1, 2),)} {'%r %a' % ('é', 'é')} {'%c' % 'z'}")
    print(f"{'%*d|%-*d|%.*f' % (5, 42, 4, 7, 2, 2.71828)} {'%x' % 2**70} {'%d' % -10**20} {'%08.3e' % -1234.5}")
    print(f"{'%#08x|% d|%-+5d|%.3d' % (255, 4, 5, -7)}")
    line = '%s=%s'
    line %= ('k', n)
    print(f"{line}")
    print(f"{'{} and {}'.format(1, 2)} {'{0}{1}{0}'.format('a', 'b')} {'{x}!'.format(x=n)}")
    print(f"{'{0[1]}'.format(xs)} {'{d[apples]}'.format(d=stock)} {'{!r:>10}'.format(label)}|")
    print(f"{'{:{w}}|{:>{w}.{p}f}'.format('v', 3.14159, w=8, p=2)}| {'{{}} {{{}}}'.format(n)} {'{:,}'.format(2**70)}")
    print(f"{'{0.args}'.format(ValueError('bad', 2))} {'{}'.format(None)} {'{:^7}'.format(True)} {'{0!s:>4}{0!r:>4}'.format('a')}")
    print(f"{'{}-{x}'.format(await fetch(1), x=await fetch(2))} {'%s/%s' % (await fetch(3), await fetch(4))}")
    for fmt, args in [('%d', 'x'), ('%x', 1.5), ('%s %s', (1,)), ('%s', (1, 2)), ('%z', 1), ('%(k)s', {}), ('%(k)s', (1,)), ('%c', 'ab'), ('%c', -1), ('%f', None), ('%*d', (1.0, 2)), ('%5', 1), ('hello', 5), ('%d', MyError('boom'))]:
        try:
            print(f"{fmt % args}")
        except Exception as e:
            print(f"{fmt!r} % {args!r}: {type(e).__name__}: {e}")
    for fmt, args in [('{}', ()), ('{1}', (1,)), ('{}{0}', (1,)), ('{0}{}', (1,)), ('}', ()), ('{', ()), ('{!x}', (1,)), ('{0[5]}', ([1],)), ('{0[a]}', ({},)), ('{:d}', ('x',)), ('{:>5}', (None,)), ('{:>5}', (MyError('x'),)), ('{:{:{}}}', (1, 2, 3))]:
        try:
            print(f"{fmt.format(*args)}")
        except Exception as e:
            print(f"{fmt!r}: {type(e).__name__}: {e}")
    try:
        print(f"{'{x}{y}'.format(x=1)}")
    except KeyError as e:
        print(f"KeyError {e}")
    try:
        print(f"{(5).format(1 / 0)}")
    except Exception as e:
        print(f"{type(e).__name__}: {e}")


asyncio.run(main())
