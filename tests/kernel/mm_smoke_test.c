/* First smoke tests of the mm/ entry points others depend on. */
#include <kestrel/ktest.h>
#include <kestrel/mm.h>
#include <kestrel/string.h>
#include <asm/ioremap.h>

KTEST(slab, kmalloc_smoke)
{
	char *p = kmalloc(100, GFP_KERNEL), *q = kzalloc(10000, GFP_KERNEL);

	KASSERT(p != NULL);
	KASSERT(q != NULL);
	memset(p, 1, 100);
	KEXPECT_EQ(q[9999], 0);
	kfree(p);
	kfree(q);
}

KTEST(vmalloc, smoke)
{
	unsigned long free0;
	u32 *v;
	void __iomem *io;

	/* The first use allocates page tables, which are kept: warm them up. */
	vfree(vmalloc(PAGE_SIZE));
	free0 = nr_free_pages();
	v = vmalloc(3 * PAGE_SIZE);
	io = ioremap(0xfee00000, 4096);

	KASSERT(v != NULL);
	v[0] = 1;
	v[3 * 1024 - 1] = 2;
	KEXPECT_EQ(v[0] + v[3071], 3);
	vfree(v);
	KASSERT(io != NULL);
	iounmap(io);
	KEXPECT_EQ(nr_free_pages(), free0);
}
