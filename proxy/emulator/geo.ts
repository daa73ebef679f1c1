// Where the emulator's numbers live: states, their area codes and abbreviated rate centers (Flowroute
// returns both lowercase, e.g. state "wa", rate_center "seattle" or "nwyrcyzn01").

export interface AreaCode {
  state: string;
  npa: number;
  rateCenters: readonly string[];
}

const TABLE = `
wa 206 seattle
wa 253 tacoma auburn
wa 360 olympia bellingham vancouver
wa 425 bellevue everett redmond
wa 509 spokane yakima
or 503 portland salem
or 541 eugene bend
or 971 portland
ca 213 losangeles
ca 310 santamonica torrance
ca 415 sanfrancisco
ca 650 millbrae paloalto
ca 408 sanjose
ca 510 oakland berkeley
ca 619 sandiego
ca 714 anaheim santaana
ca 818 burbank vannuys
ca 916 sacramento
ca 209 stockton modesto
ca 559 fresno
nv 702 lasvegas
nv 775 reno
az 480 mesa scottsdale
az 602 phoenix
az 520 tucson
ut 801 saltlakecy provo
co 303 denver boulder
co 719 cosprings
co 970 ftcollins
tx 512 austin
tx 214 dallas
tx 713 houston
tx 210 sanantonio
tx 817 ftworth
tx 915 elpaso
il 312 chicago
il 773 chicago
il 630 naperville
il 217 springfield
mn 612 minneapolis
mn 651 stpaul
mo 314 stlouis
mo 816 kansascity
mi 313 detroit
mi 616 grandrapids
mi 734 annarbor
oh 216 cleveland
oh 614 columbus
oh 513 cincinnati
ga 404 atlanta
ga 706 augusta athens
ga 912 savannah
fl 305 miami
fl 407 orlando
fl 813 tampa
fl 904 jacksonville
fl 561 westpalmbh
nc 704 charlotte
nc 919 raleigh durham
nc 336 greensboro
va 703 arlington alexandria
va 804 richmond
va 757 norfolk
dc 202 washington
md 410 baltimore
md 301 rockville
pa 215 philadelphia
pa 412 pittsburgh
pa 717 harrisburg
ny 212 nwyrcyzn01
ny 718 nwyrcyzn04 nwyrcyzn05
ny 646 nwyrcyzn01
ny 917 nwyrcyzn03
ny 518 albany
ny 716 buffalo
ny 585 rochester
ny 315 syracuse
nj 201 jerseycity oradell hackensack
nj 973 newark
nj 609 trenton
nj 732 newbrunswick
ma 617 boston
ma 508 worcester
ma 413 springfield
ct 203 newhaven bridgeport
ct 860 hartford
tn 615 nashville
tn 901 memphis
la 504 neworleans
wi 414 milwaukee
wi 608 madison
`;

export const AREA_CODES: readonly AreaCode[] = TABLE.trim()
  .split('\n')
  .map((line) => {
    const [state, npa, ...rateCenters] = line.trim().split(/\s+/);
    return { state: state!, npa: Number(npa), rateCenters };
  })
  .sort((a, b) => a.npa - b.npa);

/** Toll-free area codes used for the account's toll-free numbers (not sold from the inventory). */
export const TOLL_FREE_NPAS = [833, 844, 855, 877, 888] as const;

/** Exchange codes that are never real assignable exchanges (N11 service codes, 555, 950, 958, 959, 976). */
export function isReservedExchange(nxx: number): boolean {
  return nxx % 100 === 11 || nxx === 555 || nxx === 950 || nxx === 958 || nxx === 959 || nxx === 976;
}
