import { hello } from '@runctl/core';
console.log(hello('world'));
