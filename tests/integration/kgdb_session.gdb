# The gdb side of tests/integration/kgdb_session.sh: gdb on the kernel's
# own stub (kgdboc=ttyS1 kgdbwait) through QEMU's second serial port.
# "echo ==" lines mark the sections the test checks.
echo == attached\n
bt
# At vfs_mkdir's first instruction: its arguments are in rdi, rsi, rdx (-O2 inlines a helper after it).
break *vfs_mkdir if $_streq((char *)((struct dentry *)$rsi)->d_name.name, "kgdbtest")
continue
echo == vfs_mkdir\n
bt
# The first instruction may belong to a helper inlined at the top (may_create): go to vfs_mkdir's own frame.
python
f = gdb.newest_frame()
while f is not None and f.name() != "vfs_mkdir":
    f = f.older()
f.select()
end
print dentry->d_name.name
print dir->i_ino
echo == step\n
print/x $pc
stepi
print/x $pc
next
print/x $pc
echo == threads\n
info threads
echo == ktask\n
ktask dbg-holder
bt
delete
echo == watch\n
watch -l utsname.nodename[0]
continue
echo == hbreak\n
delete
hbreak sys_uname
continue
bt 2
delete
echo == detach\n
detach
