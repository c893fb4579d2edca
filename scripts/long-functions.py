#!/usr/bin/env python3
# Lists the non-test functions over 120 lines (issue 14's bound): `python3 scripts/long-functions.py`
# from the repository root. Test modules (`#[cfg(test)] mod …`), `tests/` and `benches/` are
# skipped; a function's length runs from its `fn` line to the closing brace at its indent.
import re,sys,os,subprocess
files=subprocess.run("git ls-files '*.rs'",shell=True,capture_output=True,text=True,cwd='.').stdout.split()
out=[]
for f in files:
    if '/tests/' in f or f.startswith('tests/') or '/benches/' in f or '/examples/' in f and '/src/' not in f: continue
    lines=open(f).read().split('\n')
    # stop at #[cfg(test)] mod tests
    in_test_from=None
    for i,l in enumerate(lines):
        if l.strip()=='#[cfg(test)]' and i+1<len(lines) and re.match(r'\s*mod \w+',lines[i+1]):
            in_test_from=i;break
    end=in_test_from if in_test_from is not None else len(lines)
    i=0
    while i<end:
        m=re.match(r'^(\s*)(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?fn\s+(\w+)',lines[i])
        if m:
            indent=len(m.group(1))
            # find the opening brace line then matching close at same indent
            j=i
            while j<end and '{' not in lines[j] and not lines[j].rstrip().endswith(';'): j+=1
            if j<end and lines[j].rstrip().endswith(';'): i=j+1; continue
            k=j+1
            while k<end and not (lines[k].startswith(' '*indent+'}') and len(lines[k])-len(lines[k].lstrip())==indent): k+=1
            n=k-i+1
            if n>120: out.append((n,f,i+1,m.group(6)))
            i=k+1
        else: i+=1
for n,f,l,name in sorted(out,reverse=True): print(n,f,l,name)
